"""Data that outlives a statement: SAS data sets in libraries (USE, READ, CREATE, APPEND, EDIT
...), their files on disk (CSV, XPT, SAS7BDAT), the built-in SASHELP library, and STORE/LOAD
catalogs of matrices and modules.

May import: imlpy.output (formats), imlpy.language, imlpy.safety, imlpy.matrix, imlpy.errors.
"""
