package main

// bodyCap is the capacity copyIn gives an answer's body of n bytes: over 1 MiB, the next whole
// MiB. Pages of large records vary by a few percent (2.55–2.8 MB for 500 of the bench's large
// shape), and Go's heap can reuse a freed body's span only for one no larger: sized exactly,
// a page a little larger than every one before grew wasm memory by another span (15.0 → 17.5 MiB
// for the large pull with Go 1.27). Rounded, every such body takes a span of the same size.
func bodyCap(n int) int {
	const mib = 1 << 20
	if n <= mib {
		return n
	}
	return (n + mib - 1) &^ (mib - 1)
}
