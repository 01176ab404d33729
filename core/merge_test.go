package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
)

func obj(t *testing.T, s string) map[string]any {
	t.Helper()
	m, err := core.DecodeObject(core.RawJSON(s))
	require.NoError(t, err)
	return m
}

func enc(t *testing.T, m map[string]any) string {
	t.Helper()
	b, err := core.EncodeObject(m)
	require.NoError(t, err)
	return string(b)
}

func TestPreservingMerge(t *testing.T) {
	all := []string(nil)
	tests := []struct {
		name          string
		local, server string
		changed       []string
		want          string
	}{
		{"seed example: changed fields applied, server-only field kept",
			`{"mood":5,"notes":"My notes"}`, `{"mood":3,"energy":7,"notes":"Old"}`, []string{"mood", "notes"},
			`{"mood":5,"energy":7,"notes":"My notes"}`},
		{"seed example: lists unioned, server order first",
			`{"tags":["a","b","c"]}`, `{"tags":["b","d"]}`, all,
			`{"tags":["b","d","a","c"]}`},
		{"changedFields nil applies every local field",
			`{"a":1,"b":2}`, `{"a":0,"b":0,"c":0}`, all,
			`{"a":1,"b":2,"c":0}`},
		{"changedFields empty applies none",
			`{"a":1,"b":2}`, `{"a":0,"b":0}`, []string{},
			`{"a":0,"b":0}`},
		{"only the listed fields apply",
			`{"a":1,"b":2}`, `{"a":0,"b":0}`, []string{"b"},
			`{"a":0,"b":2}`},
		{"a listed field missing locally changes nothing",
			`{"a":1}`, `{"a":0,"b":0}`, []string{"b"},
			`{"a":0,"b":0}`},
		{"system fields stay the server's, both spellings",
			`{"id":"x","updatedAt":"L","updated_at":"L","createdAt":"L","created_at":"L","deletedAt":"L","deleted_at":"L","v":1}`,
			`{"id":"s","updatedAt":"S","updated_at":"S","createdAt":"S","created_at":"S","v":0}`, all,
			`{"id":"s","updatedAt":"S","updated_at":"S","createdAt":"S","created_at":"S","v":1}`},
		{"system fields stay the server's even when listed",
			`{"id":"x","updatedAt":"L"}`, `{"id":"s","updatedAt":"S"}`, []string{"id", "updatedAt"},
			`{"id":"s","updatedAt":"S"}`},
		{"a local null never clears a server value",
			`{"a":null,"b":1}`, `{"a":"keep","b":0}`, all,
			`{"a":"keep","b":1}`},
		{"a local null on a field the server lacks adds nothing",
			`{"a":null}`, `{"b":0}`, all,
			`{"b":0}`},
		{"a local field the server lacks is added",
			`{"n":{"x":1}}`, `{}`, all,
			`{"n":{"x":1}}`},
		{"nested objects merge recursively, nested nulls never clear",
			`{"n":{"x":1,"y":null,"m":{"p":1}}}`, `{"n":{"y":2,"z":3,"m":{"q":2}}}`, all,
			`{"n":{"x":1,"y":2,"z":3,"m":{"p":1,"q":2}}}`},
		{"list items with id matched by id, server's version wins",
			`{"items":[{"id":1,"v":"local"},{"id":3,"v":"new"}]}`, `{"items":[{"id":1,"v":"server"},{"id":2,"v":"s2"}]}`, all,
			`{"items":[{"id":1,"v":"server"},{"id":2,"v":"s2"},{"id":3,"v":"new"}]}`},
		{"list items without id matched by value",
			`{"l":[{"a":1},{"a":2},3]}`, `{"l":[{"a":1},3]}`, all,
			`{"l":[{"a":1},3,{"a":2}]}`},
		{"duplicate local list items are added once",
			`{"l":["a","a"]}`, `{"l":[]}`, all,
			`{"l":["a"]}`},
		{"type mismatch: the local value replaces",
			`{"a":{"x":1},"b":[1],"c":"s"}`, `{"a":1,"b":"x","c":[1]}`, all,
			`{"a":{"x":1},"b":[1],"c":"s"}`},
		{"numbers round-trip exactly",
			`{"big":12345678901234567890,"f":1.10}`, `{"big":1}`, all,
			`{"big":12345678901234567890,"f":1.10}`},
		{"empty server (deleted record) takes local fields",
			`{"id":"a","t":"x"}`, `{}`, all,
			`{"t":"x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local, server := obj(t, tt.local), obj(t, tt.server)
			got := core.PreservingMerge(local, server, tt.changed)
			assert.JSONEq(t, tt.want, enc(t, got))
			assert.Equal(t, obj(t, tt.local), local, "local modified")
			assert.Equal(t, obj(t, tt.server), server, "server modified")
		})
	}
}

func TestPreservingMergeNumbersExact(t *testing.T) {
	got, err := core.PreservingMergeJSON(core.RawJSON(`{"n":12345678901234567890,"f":1.10}`), core.RawJSON(`{"id":"a"}`), nil)
	require.NoError(t, err)
	assert.Equal(t, `{"f":1.10,"id":"a","n":12345678901234567890}`, string(got))
}

func TestPreservingMergeResultSharesNothing(t *testing.T) {
	local := obj(t, `{"n":{"x":1},"l":[{"id":1}]}`)
	server := obj(t, `{"m":{"y":1},"k":[1]}`)
	got := core.PreservingMerge(local, server, nil)
	got["n"].(map[string]any)["x"] = "changed"
	got["m"].(map[string]any)["y"] = "changed"
	got["l"].([]any)[0].(map[string]any)["id"] = "changed"
	got["k"].([]any)[0] = "changed"
	assert.Equal(t, obj(t, `{"n":{"x":1},"l":[{"id":1}]}`), local)
	assert.Equal(t, obj(t, `{"m":{"y":1},"k":[1]}`), server)
}

// mergeCase: merge(local, server) of the JSON objects local and server is want.
type mergeCase struct {
	name, local, server, want string
}

// checkMerges runs the cases through merge, which must leave both of its inputs as they were.
func checkMerges(t *testing.T, merge func(local, server map[string]any) map[string]any, tests []mergeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local, server := obj(t, tt.local), obj(t, tt.server)
			assert.JSONEq(t, tt.want, enc(t, merge(local, server)))
			assert.Equal(t, obj(t, tt.local), local)
			assert.Equal(t, obj(t, tt.server), server)
		})
	}
}

func TestDefaultMerge(t *testing.T) {
	tests := []mergeCase{
		{"non-null local values override", `{"a":1,"b":"x"}`, `{"a":0,"b":"y","c":true}`, `{"a":1,"b":"x","c":true}`},
		{"local nulls do not override", `{"a":null}`, `{"a":1}`, `{"a":1}`},
		{"flat: nested objects replaced, not merged", `{"n":{"x":1}}`, `{"n":{"y":2}}`, `{"n":{"x":1}}`},
		{"flat: lists replaced", `{"l":[1]}`, `{"l":[2]}`, `{"l":[1]}`},
		{"system fields are not special", `{"id":"l","updatedAt":"L"}`, `{"id":"s","updatedAt":"S"}`, `{"id":"l","updatedAt":"L"}`},
		{"empty local is the server", `{}`, `{"a":1}`, `{"a":1}`},
	}
	checkMerges(t, core.DefaultMerge, tests)
}

func TestDeepMerge(t *testing.T) {
	tests := []mergeCase{
		{"local keys win", `{"a":1}`, `{"a":0,"b":2}`, `{"a":1,"b":2}`},
		{"a local null wins too", `{"a":null}`, `{"a":1}`, `{"a":null}`},
		{"nested objects merge recursively", `{"n":{"x":1,"m":{"p":null}}}`, `{"n":{"y":2,"m":{"p":1,"q":2}}}`, `{"n":{"x":1,"y":2,"m":{"p":null,"q":2}}}`},
		{"lists are replaced", `{"l":[1]}`, `{"l":[2,3]}`, `{"l":[1]}`},
		{"object replaces scalar", `{"n":{"x":1}}`, `{"n":5}`, `{"n":{"x":1}}`},
	}
	checkMerges(t, core.DeepMerge, tests)
}

func TestMergeJSONInputs(t *testing.T) {
	tests := []struct {
		name, local, server string
		wantErr             bool
		want                string
	}{
		{"objects", `{"a":1}`, `{"b":2}`, false, `{"a":1,"b":2}`},
		{"null local is empty", `null`, `{"b":2}`, false, `{"b":2}`},
		{"no HTML escaping", `{"a":"<&>"}`, `{}`, false, `{"a":"<&>"}`},
		{"array local", `[1]`, `{}`, true, ""},
		{"scalar server", `{}`, `3`, true, ""},
		{"trailing data", `{} {}`, `{}`, true, ""},
		{"malformed", `{"a":`, `{}`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, f := range map[string]func(l, s core.RawJSON) (core.RawJSON, error){
				"preserving": func(l, s core.RawJSON) (core.RawJSON, error) { return core.PreservingMergeJSON(l, s, nil) },
				"default":    core.DefaultMergeJSON,
				"deep":       core.DeepMergeJSON,
			} {
				got, err := f(core.RawJSON(tt.local), core.RawJSON(tt.server))
				if tt.wantErr {
					require.ErrorIs(t, err, core.ErrInvalid, name)
					continue
				}
				require.NoError(t, err, name)
				assert.Equal(t, tt.want, string(got), name)
			}
		})
	}
}
