print("sentinel: not yet")
