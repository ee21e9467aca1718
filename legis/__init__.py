"""legis — 立法意见征集平台: collect residents' comments on draft regulations article by article."""

__version__ = "0.1.0"
