"""What the engine says about its decisions: the trace of every condition at every evaluation
(`trace`) and the one plain line of `Decision.why` (`why`)."""
