package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBodyCapRoundsLargeBodiesToWholeMiB(t *testing.T) {
	for _, tc := range []struct{ n, want int }{
		{0, 0}, {1, 1}, {1 << 20, 1 << 20}, {1<<20 + 1, 2 << 20},
		{2_550_000, 3 << 20}, {2_800_000, 3 << 20}, {3 << 20, 3 << 20}, {3<<20 + 1, 4 << 20},
	} {
		assert.Equal(t, tc.want, bodyCap(tc.n), "n=%d", tc.n)
	}
}
