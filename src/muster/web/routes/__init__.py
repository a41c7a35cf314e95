"""Routes of the web application, one module per area; each is thin: parse, call, render."""
