"""The IML grammar (iml.lark), installed as the package imlpy.grammar."""
