package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A write is Checked only with the very bytes and id CutRecords checked.
func TestCheckedWrite(t *testing.T) {
	g, err := CutRecords([]byte(`[{"id":"a","v":1},{"id":"b\u0062"}]`))
	require.NoError(t, err)
	require.Equal(t, []string{"a", ""}, g.ids, "an escaped id is left to the engine")
	d := g.items[0]
	w := LocalWrite{Kind: "note", ID: "a", Data: d, checked: checkMark{p: &d[0], n: len(d), id: "a"}}
	assert.True(t, w.Checked())

	for name, change := range map[string]func(*LocalWrite){
		"a copy of the data": func(w *LocalWrite) { w.Data = append(RawJSON{}, w.Data...) },
		"the data cut":       func(w *LocalWrite) { w.Data = w.Data[:len(w.Data)-1] },
		"other data":         func(w *LocalWrite) { w.Data = g.items[1] },
		"another id":         func(w *LocalWrite) { w.ID = "b" },
		"no data":            func(w *LocalWrite) { w.Data = nil },
	} {
		c := w
		change(&c)
		assert.False(t, c.Checked(), name)
	}
	assert.False(t, LocalWrite{ID: "a", Data: d}.Checked(), "not made by PutManyGiven")
}
