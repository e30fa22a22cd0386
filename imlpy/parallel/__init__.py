"""SAS Viya's parallel IML functions, MAPREDUCE and PARTASKS, run on a Dask cluster (or
serially without one). Each call runs in a fresh Session made by a factory the caller passes in.

May import: imlpy.matrix, imlpy.errors (and, lazily, dask).
"""
