print("audioamp")
