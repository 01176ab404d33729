package storekit

import (
	"testing"

	"github.com/offsync/offsync/core"
	"github.com/stretchr/testify/assert"
)

// TestInOrderOf: a claim's ops come back in the order of the batch asked for, whether the
// backend answered in that order (returned as they are) or not, without the ones not found.
func TestInOrderOf(t *testing.T) {
	op := func(id string, seq int64) core.Op { return core.Op{OpID: id, Seq: seq, InFlight: true} }
	a, b, c, d := op("a", 1), op("b", 2), op("c", 3), op("d", 4)
	asked := []core.Op{{OpID: "a"}, {OpID: "b"}, {OpID: "c"}, {OpID: "d"}}
	for _, tc := range []struct {
		name      string
		got, want []core.Op
	}{
		{"all, in order", []core.Op{a, b, c, d}, []core.Op{a, b, c, d}},
		{"some gone", []core.Op{a, c}, []core.Op{a, c}},
		{"out of order", []core.Op{c, a, d, b}, []core.Op{a, b, c, d}},
		{"out of order, some gone", []core.Op{d, b}, []core.Op{b, d}},
		{"one not asked for", []core.Op{a, op("x", 9), b}, []core.Op{a, b}},
		{"none", []core.Op{}, []core.Op{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, inOrderOf(asked, tc.got))
		})
	}
}
