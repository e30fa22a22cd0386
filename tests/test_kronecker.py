"""The block view of A @ B (CALL KRONBLOCKS, KRONLABELS) and errors that explain shapes.

Expected block views are written out by hand from the definition: block (i,j) of A @ B is
a[i,j] # B. Expected error texts quote SAS's message and then the plain-words rule.
"""
from __future__ import annotations

import pytest

from helpers import run


def listing(code: str) -> str:
    r = run(code)
    assert r.status == 0, r.log
    return r.out


# ---------------------------------------------------------------- KRONBLOCKS
def test_kronblocks_identity_times_2x2():
    assert listing("call kronblocks(I(2), {1 2, 3 4});") == (
        "A @ B  (4 x 4: 2 x 2 blocks, each 2 x 2)\n"
        "        1         2 |         0         0\n"
        "        3         4 |         0         0\n"
        "--------------------+--------------------\n"
        "        0         0 |         1         2\n"
        "        0         0 |         3         4\n"
        "\n")


def test_kronblocks_2x3_times_3x2_with_label():
    code = "A = {1 2 3, 4 5 6}; B = {1 0, 0 1, 1 1}; call kronblocks(A, B, 'A@B');"
    rule = "-" * 19 + "-+-" + "-" * 19 + "-+-" + "-" * 19
    assert listing(code) == (
        "A@B  (6 x 6: 2 x 3 blocks, each 3 x 2)\n"
        "        1         0 |         2         0 |         3         0\n"
        "        0         1 |         0         2 |         0         3\n"
        "        1         1 |         2         2 |         3         3\n"
        + rule + "\n"
        "        4         0 |         5         0 |         6         0\n"
        "        0         4 |         0         5 |         0         6\n"
        "        4         4 |         5         5 |         6         6\n"
        "\n")


def test_kronblocks_follows_reset_fw_and_shows_missing_and_decimals():
    out = listing("reset fw=4; call kronblocks({1, .}, {0.5 2});")
    assert out == ("A @ B  (2 x 2: 2 x 1 blocks, each 1 x 2)\n"
                   " 0.5    2\n"
                   "---------\n"
                   "   .    .\n"
                   "\n")


def test_kronblocks_errors():
    r = run("call kronblocks({1 2});")
    assert r.status == 2 and "Wrong number of arguments." in r.log
    r = run("call kronblocks({'a'}, {1});")
    assert r.status == 2 and "Character argument should be numeric." in r.log


# ---------------------------------------------------------------- KRONLABELS
def test_kronlabels_rows_and_columns():
    r = run("A = {1 2 3, 4 5 6}; B = {1 0, 0 1, 1 1};"
            "rl = kronlabels(A, B); cl = kronlabels(A, B, 'col'); c2 = kronlabels(A, B, 2);")
    assert r.status == 0, r.log
    assert r["rl"].shape == (6, 1)
    assert list(r["rl"].ravel()) == ["(1,1)", "(1,2)", "(1,3)", "(2,1)", "(2,2)", "(2,3)"]
    assert r["cl"].shape == (1, 6)
    assert list(r["cl"].ravel()) == ["(1,1)", "(1,2)", "(2,1)", "(2,2)", "(3,1)", "(3,2)"]
    assert list(r["c2"].ravel()) == list(r["cl"].ravel())


def test_kronlabels_in_print():
    out = listing("a = {1 2}; b = {3, 4}; print (a @ b)[r=kronlabels(a, b) c=kronlabels(a, b, 'col') L='ab'];")
    # element [(i,k),(j,l)] = a[i,j] * b[k,l]: row (1,2) is 4 8
    assert out == ("ab        (1,1)     (2,1)\n"
                   "\n"
                   "(1,1)         3         6\n"
                   "(1,2)         4         8\n"
                   "\n")


def test_kronlabels_bad_dim():
    r = run("x = kronlabels({1}, {1}, 'diag');")
    assert r.status == 2 and "Invalid argument to function." in r.log and "'row'" in r.log


def test_help_documents_the_block_view():
    from imlpy.builtins import lookup_help
    text = lookup_help("kronblocks")
    assert text.startswith("KRONBLOCKS(A, B <,label>)   (CALL subroutine)")
    assert "a[i,j] # B" in text and "call kronblocks(I(2), {1 2, 3 4});" in text
    assert "KRONLABELS(A, B <,dim>)" in lookup_help("kronlabels")


# ---------------------------------------------------------------- errors that explain
def error_of(code: str) -> str:
    r = run(code)
    assert r.status == 2
    return r.log


def test_hconcat_needs_equal_rows():
    log = error_of("a = {1 2, 3 4}; b = {1 2 3}; c = a || b;")
    assert "ERROR: (execution) Matrices do not conform to the operation." in log
    assert "|| needs the same number of rows: the left operand is 2 x 2, the right one 1 x 3" in log
    assert "operation : || at line 1 column" in log


def test_vconcat_needs_equal_columns():
    log = error_of("a = {1 2, 3 4}; b = {1 2 3}; c = a // b;")
    assert "Matrices do not conform to the operation." in log
    assert "// needs the same number of columns: the top operand is 2 x 2, the bottom one 1 x 3" in log


def test_matrix_product_states_the_rule():
    log = error_of("a = {1 2, 3 4}; b = {1 2 3}; c = a * b;")
    assert "Matrices do not conform to the operation." in log
    assert "* is the matrix product: it needs ncol(left) = nrow(right), but here it is 2 x 2 times 1 x 3" in log
    assert "did you mean #" not in log


def test_matrix_product_of_equal_shapes_suggests_elementwise():
    log = error_of("a = {1 2 3, 4 5 6}; c = a * a;")
    assert "2 x 3 times 2 x 3" in log
    assert "(did you mean # for elementwise multiplication?)" in log


@pytest.mark.parametrize("op", ["+", "#", "-", "/"])
def test_elementwise_rule(op):
    log = error_of(f"a = {{1 2, 3 4}}; b = {{1 2 3}}; c = a {op} b;")
    assert "Matrices do not conform to the operation." in log
    assert (f"{op} works elementwise: the operands must have the same shape, or one must be a scalar, "
            "a row vector with as many columns, or a column vector with as many rows; "
            "here they are 2 x 2 and 1 x 3") in log


def test_row_and_column_vectors_do_not_make_an_outer_product():
    # numpy would broadcast 1 x 3 against 2 x 1; SAS refuses
    log = error_of("c = {1 2 3} + {1, 2};")
    assert "here they are 1 x 3 and 2 x 1" in log


@pytest.mark.parametrize("code, hint", [
    ("a = {1 2, 3 4}; g = a[3, 1];", "row index 3 is outside 1..2"),
    ("a = {1 2, 3 4}; g = a[1, 0];", "column index 0 is outside 1..2"),
    ("a = {1 2, 3 4}; g = a[5];", "element index 5 is outside 1..4"),
    ("a = {1 2 3}; a[1, 4] = 0;", "column index 4 is outside 1..3"),
])
def test_subscript_out_of_range(code, hint):
    log = error_of(code)
    assert "Invalid subscript or subscript out of range." in log
    assert hint in log


def test_kronecker_family_errors_state_shapes():
    log = error_of("k = kronsum({1 2}, {1});")
    assert "Matrix should be square." in log and "KRONSUM needs a square matrix A; it is 1 x 2" in log
    log = error_of("k = khatrirao({1 2}, {1 2 3});")
    assert "Matrices do not conform to the operation." in log
    assert "A is cut into 1 x 2 blocks, B into 1 x 3" in log
    log = error_of("k = tracysingh({1 2}, {1}, 1, {1 2}, 1, 1);")
    assert "the block sizes in colpartA add up to 3, but the matrix has 2" in log
    log = error_of("call nearestkron(b, c, e, {1 2 3}, 1, 2);")
    assert "a 1 x 3 matrix cannot be cut into 1 x 2 blocks of equal size" in log
    log = error_of("x = unvec(1:5, 2);")
    assert "UNVEC: 5 elements cannot fill 2 rows evenly" in log
    log = error_of("x = commutation(0);")
    assert "COMMUTATION: m must be a positive whole number, not 0" in log


def test_kronecker_of_character_values_explains():
    log = error_of("x = {'a' 'b'} @ 2;")
    assert "Character argument should be numeric." in log
    assert "@ (the Kronecker product) multiplies numbers: both operands must be numeric" in log
