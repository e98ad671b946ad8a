"""Use cases as plain functions: each checks its rules and ends in one commit."""
