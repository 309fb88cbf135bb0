"""Files: scenario files (TOML). Results files are netCDF, written by ``xarray.Dataset.to_netcdf``."""

from .scenario_file import dump, dumps, load, loads

__all__ = ["dump", "dumps", "load", "loads"]
