"""Files on disk: crash-safe writes (`storage`), one writer at a time (`lock`), where each file
lives and the rule that keeps stored paths inside the workspace (`layout`), and recognising a broken
file and moving it aside, never overwriting it (`corruption`)."""
