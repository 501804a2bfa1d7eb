// Category `stdio`, in an async method of a trait impl; the attribute is on the impl.
trait Prompt {
    async fn ask(&self) -> String;
}

struct Console;

#[blockwatch::no_blocking]
impl Prompt for Console {
    async fn ask(&self) -> String {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).unwrap();
        line
    }
}

fn main() {
    let _ = Console.ask();
}
