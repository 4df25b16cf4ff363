"""Corrective Terraform for findings: fixes as data (edits, new blocks, imports), planned per rule, applied
all or nothing. `emailiac fix` is the command line; reporters show the same fixes (JSON `fix`, SARIF
`fixes`) once `run.attach_fixes` has put them on a Result."""
