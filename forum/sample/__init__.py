"""Content that is not the readers' own: the demo a new site can start with, and generated
debates of any size for benchmarks. Nothing in the forum itself imports it."""
