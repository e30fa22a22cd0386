"""Running a program: the Session (symbol table, modules, options, the writers for output and
log), the compiler that turns each AST node once into a Python closure, statements, and calls of
modules and builtins.

May import every layer below it: imlpy.builtins, imlpy.sas, imlpy.data, imlpy.output,
imlpy.language, imlpy.safety, imlpy.matrix, imlpy.errors.
"""
