"""Files: scenario files (TOML). Results files are netCDF, written by ``xarray.Dataset.to_netcdf``; simulations by
:meth:`sirisk.Simulation.to_netcdf`."""

from .scenario_file import Scenario, dump, dumps, load, loads, read, reads

__all__ = ["Scenario", "dump", "dumps", "load", "loads", "read", "reads"]
