print("audioamp-bench")
