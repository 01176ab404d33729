package core_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/offsync/offsync/core"
)

// fuzzInputs decodes a fuzz case; ok is false when it is not two JSON objects.
func fuzzInputs(local, server string) (l, s map[string]any, ok bool) {
	l, err := core.DecodeObject(core.RawJSON(local))
	if err != nil {
		return nil, nil, false
	}
	s, err = core.DecodeObject(core.RawJSON(server))
	if err != nil {
		return nil, nil, false
	}
	return l, s, true
}

// fuzzChanged turns the fuzzer's string into changedFields: "*" is nil (all), otherwise a
// comma-separated list ("" is the empty list).
func fuzzChanged(s string) []string {
	if s == "*" {
		return nil
	}
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

var fuzzSystemFields = []string{"id", "updatedAt", "updated_at", "createdAt", "created_at", "deletedAt", "deleted_at"}

func isSystemField(k string) bool {
	for _, f := range fuzzSystemFields {
		if f == k {
			return true
		}
	}
	return false
}

// listContains reports whether list holds v, matching objects with an "id" by id.
func listContains(list []any, v any) bool {
	if m, ok := v.(map[string]any); ok && m["id"] != nil {
		for _, x := range list {
			if xm, ok := x.(map[string]any); ok && reflect.DeepEqual(xm["id"], m["id"]) {
				return true
			}
		}
		return false
	}
	for _, x := range list {
		if reflect.DeepEqual(x, v) {
			return true
		}
	}
	return false
}

func FuzzPreservingMerge(f *testing.F) {
	f.Add(`{"mood":5,"notes":"My notes"}`, `{"mood":3,"energy":7,"notes":"Old"}`, "mood,notes")
	f.Add(`{"tags":["a","b","c"]}`, `{"tags":["b","d"]}`, "*")
	f.Fuzz(func(t *testing.T, localJSON, serverJSON, changedS string) {
		local, server, ok := fuzzInputs(localJSON, serverJSON)
		if !ok {
			return
		}
		changed := fuzzChanged(changedS)
		localCopy, _, _ := fuzzInputs(localJSON, serverJSON)
		_, serverCopy, _ := fuzzInputs(localJSON, serverJSON)

		got := core.PreservingMerge(local, server, changed)

		if !reflect.DeepEqual(local, localCopy) || !reflect.DeepEqual(server, serverCopy) {
			t.Fatal("inputs modified")
		}
		for _, k := range fuzzSystemFields {
			sv, inServer := server[k]
			gv, inGot := got[k]
			if inServer != inGot || !reflect.DeepEqual(sv, gv) {
				t.Fatalf("system field %q: server %v, merged %v", k, sv, gv)
			}
		}
		for k, sv := range server {
			if _, ok := got[k]; !ok {
				t.Fatalf("server field %q (%v) lost", k, sv)
			}
		}
		applied := changed
		if applied == nil {
			for k := range local {
				applied = append(applied, k)
			}
		}
		for _, k := range applied {
			lv := local[k]
			if lv == nil || isSystemField(k) {
				continue
			}
			switch v := lv.(type) {
			case map[string]any:
				if _, ok := got[k].(map[string]any); !ok {
					t.Fatalf("changed object %q not an object in the result: %v", k, got[k])
				}
			case []any:
				gl, ok := got[k].([]any)
				if !ok {
					t.Fatalf("changed list %q not a list in the result: %v", k, got[k])
				}
				for _, item := range v {
					if !listContains(gl, item) {
						t.Fatalf("local item %v of %q lost: %v", item, k, gl)
					}
				}
			default:
				if !reflect.DeepEqual(got[k], lv) {
					t.Fatalf("changed field %q: local %v, merged %v", k, lv, got[k])
				}
			}
		}
		again := core.PreservingMerge(local, got, changed)
		if !reflect.DeepEqual(again, got) {
			t.Fatalf("not idempotent:\n once  %v\n twice %v", got, again)
		}
	})
}

func FuzzDefaultMerge(f *testing.F) {
	f.Add(`{"a":1,"b":null}`, `{"a":0,"b":2,"c":3}`)
	f.Add(`{"n":{"x":1}}`, `{"n":{"y":2}}`)
	f.Fuzz(func(t *testing.T, localJSON, serverJSON string) {
		local, server, ok := fuzzInputs(localJSON, serverJSON)
		if !ok {
			return
		}
		got := core.DefaultMerge(local, server)
		for k, v := range local {
			if v != nil && !reflect.DeepEqual(got[k], v) {
				t.Fatalf("local %q=%v not applied: %v", k, v, got[k])
			}
		}
		for k, v := range server {
			if local[k] == nil && !reflect.DeepEqual(got[k], v) {
				t.Fatalf("server %q=%v lost: %v", k, v, got[k])
			}
		}
		if len(got) > len(local)+len(server) {
			t.Fatalf("invented fields: %v", got)
		}
		if again := core.DefaultMerge(local, got); !reflect.DeepEqual(again, got) {
			t.Fatalf("not idempotent: %v vs %v", got, again)
		}
	})
}

func FuzzDeepMerge(f *testing.F) {
	f.Add(`{"n":{"x":1,"p":null}}`, `{"n":{"y":2,"p":1}}`)
	f.Add(`{"a":null}`, `{"a":1,"b":[1]}`)
	f.Fuzz(func(t *testing.T, localJSON, serverJSON string) {
		local, server, ok := fuzzInputs(localJSON, serverJSON)
		if !ok {
			return
		}
		_, serverCopy, _ := fuzzInputs(localJSON, serverJSON)
		got := core.DeepMerge(local, server)
		if !reflect.DeepEqual(server, serverCopy) {
			t.Fatal("server modified")
		}
		for k, v := range local {
			if _, isObj := v.(map[string]any); isObj {
				continue
			}
			if !reflect.DeepEqual(got[k], v) {
				t.Fatalf("local %q=%v does not win: %v", k, v, got[k])
			}
		}
		for k := range server {
			if _, ok := got[k]; !ok {
				t.Fatalf("server field %q lost", k)
			}
		}
		if again := core.DeepMerge(local, got); !reflect.DeepEqual(again, got) {
			t.Fatalf("not idempotent: %v vs %v", got, again)
		}
	})
}
