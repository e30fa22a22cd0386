"""Every builtin that the public corpus sascommunities/the-do-loop-blog uses must be registered.

The lists were extracted from the PROC IML blocks of that corpus (Rick Wicklin's "The DO Loop"
blog programs): every function called and every CALL subroutine used, leaving out the user
modules the corpus defines itself (START name ...) and the modules of the ListUtil and Polygon
packages (ListPrint, Struct, Poly*). They are typed in here, so the test does not need the corpus.
"""
import pytest

from imlpy.builtins import REGISTRY

FUNCTIONS = """
    abs all allcomb any arsin atan beta bin blankstr cat cats cdf ceil char choose col colvec
    compress constant corr corr2cov cos cosh countmiss countn countw cov cov2corr cuprod cusum
    cvexhull design diag dif dimension distance do eigval eigvec element exp expandgrid findc
    floor froot geomean ginv hadamard harmean i int inv isempty isskipped j lgamma listcreate
    listgetitem listlen loc log log1px log2 logabsdet mad mahalanobis max mean median min
    missing mod ncol nleng norm nrow num palette pdf probbnrm prod propcase putn quantile
    rancomb randfun randmultinomial randnormal randwishart range rank ranktie remove repeat root
    round row rowcat rowvec sample scan sdf setdif shape sign sin solve splinev sqrt sqrvech
    squantile ssq std strip sub2ndx substr sum t tablecreate tablecreatefromdataset time
    toeplitz trace trisolv type union unique upcase vecdiag vech xsect
""".split()

# STDDEV is left out on purpose: it is not a SAS/IML function (IML's is STD). The corpus calls it
# only in NMF/nmf_vs_svd.sas and NMF/whisky_NMF.sas, inside the module Initialize_LR_Random, which
# those programs never run (they call Initialize_LR_SVD), so SAS never resolves it either;
# registering it would let programs that misspell STD run here and fail in SAS.

SUBROUTINES = """
    bar eigen exportmatrixtor gscale heatmapcont heatmapdisc histogram importmatrixfromr
    listadditem listdeleteitem listsetitem listsetname listsetsubitem nlphqn nlpnra qntl qr quad
    randgen randseed scatter series sort sortndx splinec svd symputx tableaddvar tableprint
    tablesetvarlabel tablewritetodataset tabulate
""".split()


def _missing():
    return sorted(n for n in set(FUNCTIONS) | set(SUBROUTINES) if n not in REGISTRY)


def test_lists_are_clean():
    names = FUNCTIONS + SUBROUTINES
    assert all(n == n.lower() and n.isidentifier() for n in names)
    assert len(set(FUNCTIONS)) == len(FUNCTIONS) == 131
    assert len(set(SUBROUTINES)) == len(SUBROUTINES) == 32


_MISSING = _missing()


@pytest.mark.xfail(bool(_MISSING), strict=False,
                   reason=f"{len(_MISSING)} corpus builtins are not registered yet: {' '.join(_MISSING)}")
def test_every_corpus_builtin_is_registered():
    assert _missing() == []


@pytest.mark.parametrize("name", SUBROUTINES)
def test_corpus_subroutines_accept_call(name):
    """A name the corpus uses with CALL must, once registered, be a CALL subroutine."""
    entry = REGISTRY.get(name)
    if entry is None:
        pytest.skip(f"{name.upper()} is not registered yet")
    assert entry.kind == "call" or entry.callable_as_call, entry.signature


@pytest.mark.parametrize("name", FUNCTIONS)
def test_corpus_functions_are_functions(name):
    """A name the corpus calls in an expression must, once registered, return a value."""
    entry = REGISTRY.get(name)
    if entry is None:
        pytest.skip(f"{name.upper()} is not registered yet")
    assert entry.kind == "function", entry.signature
