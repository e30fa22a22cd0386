"""What the user reads: PRINT's listing layout, SAS formats (w.d, BEST, DATE ...), HTML tables
for notebooks, and IML table objects.

May import: imlpy.language (AST nodes of PRINT options), imlpy.safety, imlpy.matrix, imlpy.errors.
"""
