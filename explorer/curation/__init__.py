"""The curator side of the explorer: everything a logged-in curator uses."""
