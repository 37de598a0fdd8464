"""Reports for trustees and funders: counts only."""
