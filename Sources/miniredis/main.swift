print("miniredis: not yet")
