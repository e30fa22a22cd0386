"""Limits that protect the user and the machine: the sandbox for shared servers, the memory
guard, the time limit and the recursion allowance.

May import: imlpy.matrix, imlpy.errors.
"""
