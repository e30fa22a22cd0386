"""Source text to syntax tree: comment stripping, the fast hand-written parser for the common
statements, the Lark front end on grammar/iml.lark for everything else (and every syntax error),
the AST node classes with their positions, and literal values.

May import: imlpy.safety, imlpy.matrix, imlpy.errors. Never runs a program.
"""
