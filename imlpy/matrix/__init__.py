"""Matrix values and what the language does to them: numeric and character matrices with SAS's
missing values, the operators and their shape rules, subscripts, lazy Kronecker products and
amortised growth of `x = x || v`.

May import: imlpy.errors only. Everything else in imlpy builds on this layer.
"""
