//go:build js && wasm

package idbstore

import (
	"encoding/json"
	"reflect"
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// argTable names every helper's argument struct (helperargs.go): the table a new helper joins.
func argTable() map[string]any {
	return map[string]any{
		"open": openArgs{}, "begin": beginArgs{}, "gather": gatherArgs{}, "load": loadArgs{},
		"writeAhead": writeAheadArgs{}, "page": pageArgs{},
		"pendingPage": pendingPageArgs{}, "flush": flushArgs{}, "putFramed": putFramedArgs{},
		"putAll": putAllArgs{}, "putKeyed": putKeyedArgs{}, "delAll": delAllArgs{},
		"keys": keysArgs{}, "indexKeys": indexKeysArgs{},
		"mark":           markArgs{},
		"stringifyField": stringifyFieldArgs{}, "syncIndexes": syncIndexesArgs{},
		"raiseWatermarks": raiseWatermarksArgs{}, "pageRead": pageReadArgs{}, "pageCheck": pageCheckArgs{}, "ackPlain": ackPlainArgs{}, "forgetAhead": forgetAheadArgs{},
		"ro": roArgs{}, "ixPage": ixPageArgs{}, "ixCount": ixCountArgs{}, "ixQuery": ixQueryArgs{},
		"scan": scanArgs{}, "startReads": startReadsArgs{},
	}
}

// jsTags lists the js tags of struct type ty's fields as setFields sets them (a span's inline).
func jsTags(ty reflect.Type) []string {
	var tags []string
	for i := range ty.NumField() {
		if name := ty.Field(i).Tag.Get("js"); name != "" {
			tags = append(tags, name)
		} else {
			tags = append(tags, jsTags(ty.Field(i).Type)...)
		}
	}
	return tags
}

// helperParams lists each parameter of the function f as written in its source, the
// destructured object as one entry ("{ a, b }").
const helperParams = `const s = f.toString();
	const i = s.indexOf('(');
	let depth = 0, j = i;
	for (; j < s.length; j++) {
		if ('({['.includes(s[j])) depth++;
		else if (')}]'.includes(s[j]) && --depth === 0) break;
	}
	const parts = [];
	let d = 0, cur = '';
	for (const ch of s.slice(i + 1, j)) {
		if ('({['.includes(ch)) d++;
		if (')}]'.includes(ch)) d--;
		if (ch === ',' && d === 0) { parts.push(cur.trim()); cur = ''; } else cur += ch;
	}
	if (cur.trim() !== '') parts.push(cur.trim());
	return JSON.stringify(parts);`

// TestHelperArgsAgree checks that every helper Go calls takes at most its target, one argument
// object and cb, and that each argument struct's js tags are exactly the names its helper's
// object destructures: a field added on one side only fails here.
func TestHelperArgsAgree(t *testing.T) {
	// H.range only helpers.js calls.
	positional := map[string]bool{"range": true}
	H := js.Global().Get("Function").New(helperSource).Invoke()
	params := jsFunc("f", helperParams)
	paramsOf := func(name string) []string {
		var ps []string
		require.NoError(t, json.Unmarshal([]byte(params.Invoke(H.Get(name)).String()), &ps))
		return ps
	}
	keys := js.Global().Get("Object").Call("keys", H)
	names := map[string]bool{}
	for i := range keys.Length() {
		if k := keys.Index(i).String(); H.Get(k).Type() == js.TypeFunction && !positional[k] {
			names[k] = true
		}
	}
	typed := map[string]bool{}
	for name, a := range argTable() {
		ty := reflect.TypeOf(a)
		require.True(t, names[name], "%s: H.%s is no helper", ty.Name(), name)
		require.Equal(t, name+"Args", ty.Name(), "a helper's struct is named for it")
		typed[name] = true
		tags := jsTags(ty)
		var object []string
		for _, p := range paramsOf(name) {
			if strings.HasPrefix(p, "{") {
				for _, f := range strings.Split(strings.Trim(p, "{} "), ",") {
					object = append(object, strings.TrimSpace(f))
				}
			}
		}
		assert.ElementsMatch(t, tags, object, "H.%s's object against %s's js tags", name, ty.Name())
		set := js.Global().Get("Object").Call("keys", jsArgs(a.(argStruct)))
		var setNames []string
		for i := range set.Length() {
			setNames = append(setNames, set.Index(i).String())
		}
		assert.ElementsMatch(t, tags, setNames, "%s.setOn sets its js tags", ty.Name())
	}
	for name := range names {
		ps := paramsOf(name)
		if len(ps) > 0 && ps[len(ps)-1] == "cb" {
			ps = ps[:len(ps)-1]
		}
		if typed[name] {
			require.NotEmpty(t, ps, "H.%s", name)
			require.True(t, strings.HasPrefix(ps[len(ps)-1], "{"), "H.%s: its last argument before cb is its object", name)
			require.LessOrEqual(t, len(ps), 2, "H.%s: a target, one object and cb", name)
			continue
		}
		require.LessOrEqual(t, len(ps), 1, "H.%s takes arguments beyond its target: give it an object and a struct in argTable", name)
	}
}
