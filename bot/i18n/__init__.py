"""Languages: the catalogs texters read, the tools that keep them whole, and which language a texter speaks."""
