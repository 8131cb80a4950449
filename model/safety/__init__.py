"""Files in and out of the program: atomic writes, bounded reads, where the database may live."""
