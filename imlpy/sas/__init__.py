"""The SAS program around IML: macro variables and the macro language, SUBMIT blocks, and .sas
files run step by step.

May import: imlpy.data, imlpy.output, imlpy.language, imlpy.safety, imlpy.matrix, imlpy.errors.
A Session is passed in by the caller, never imported.
"""
