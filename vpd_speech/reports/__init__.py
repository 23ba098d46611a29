"""What leaves the pipeline: call documents and tables, HTML pages, incident drafts, redaction."""
