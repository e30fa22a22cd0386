"""The ways in: the command line (`imlpy run/check/help/tour/kernel`), the interactive prompt
(prompt_toolkit), the Jupyter kernel, the Pygments lexer and the guided tour. All of them drive
a runtime Session.

May import every layer.
"""
