package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

func raw(s string) core.RawJSON { return core.RawJSON(s) }

func TestDiffFields(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           []string
		wantErr        bool
	}{
		{name: "same", old: `{"a":1}`, new: `{"a":1}`, want: []string{}},
		{name: "key order and spacing do not matter", old: `{"a":{"x":1,"y":2}}`, new: `{ "a" : {"y":2,"x":1} }`, want: []string{}},
		{name: "changed, added and removed, sorted", old: `{"c":1,"b":1,"z":0}`, new: `{"c":2,"a":1,"z":0}`, want: []string{"a", "b", "c"}},
		{name: "deep change", old: `{"n":{"x":[1,2]}}`, new: `{"n":{"x":[2,1]}}`, want: []string{"n"}},
		{name: "system fields excluded", old: `{"id":"a","updatedAt":"1","deleted_at":null}`, new: `{"id":"b","updated_at":"2","deletedAt":"x"}`, want: []string{}},
		{name: "null vs absent differs", old: `{"a":null}`, new: `{}`, want: []string{"a"}},
		{name: "old not an object", old: `[1]`, new: `{}`, wantErr: true},
		{name: "new not an object", old: `{}`, new: `"x"`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := core.DiffFields(raw(tt.old), raw(tt.new))
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrInvalid)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
