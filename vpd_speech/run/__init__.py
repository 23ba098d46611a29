"""Drivers of the pipeline: batches of files (local or Ray), sources, and live calls."""
