"""The example host project that installs ue_store."""
