use proc_macro2::TokenStream;

pub fn expand(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

pub fn expand_allow(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
