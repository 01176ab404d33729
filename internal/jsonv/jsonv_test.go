package jsonv_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/internal/jsonv"
	"github.com/offsync/offsync/internal/jsonv/jsonvtest"
)

// The reference for every reader and writer here is encoding/json (host tests only).

var samples = []string{
	`null`, `true`, `false`, `0`, `-1.5e3`, `1E+2`, `""`, `"a\"b\\c\/d\b\f\n\r\t"`,
	`"\u00e9\u2028\ud83d\ude00"`, `"\ud800"`, `"\ud800\u0041"`, `"\udc00\ud800"`, "\"\xff\xfe\"",
	"\"caf\xc3\xa9\"", `"<a href='x'>&amp;</a>"`, `{}`, `[]`, ` { "a" : [1, {"b": null}], "A": 2 } `,
	`{"a":1,"a":2}`, `[1,[2,[3,[4]]]]`, `{"id":"x","updatedAt":"2024-01-01T00:00:00Z","n":12345678901234567890}`,
	`{"x":`, `[1,]`, `{"a" 1}`, `nul`, `01`, `"\x"`, "\"\x01\"", `1 2`, ``, ` `, `{"\u0061":1}`,
}

func refDecode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if !json.Valid(b) {
		return nil, jsonv.ErrSyntax
	}
	return fromRef(v), nil
}

// fromRef turns json.Number into jsonv.Number.
func fromRef(v any) any {
	switch x := v.(type) {
	case json.Number:
		return jsonv.Number(x)
	case map[string]any:
		for k, e := range x {
			x[k] = fromRef(e)
		}
	case []any:
		for i, e := range x {
			x[i] = fromRef(e)
		}
	}
	return v
}

func checkDecode(t *testing.T, in []byte) {
	want, werr := refDecode(in)
	got, err := jsonv.Decode(in)
	require.Equal(t, werr == nil, err == nil, "%q: encoding/json says %v, jsonv %v", in, werr, err)
	if err != nil {
		return
	}
	require.Equal(t, want, got, "%q", in)
	require.True(t, jsonv.Equal(want, got))
	for _, html := range []bool{true, false} {
		var ref bytes.Buffer
		enc := json.NewEncoder(&ref)
		enc.SetEscapeHTML(html)
		require.NoError(t, enc.Encode(toRef(got)))
		out, err := jsonv.AppendValue(nil, got, html)
		require.NoError(t, err)
		require.Equal(t, string(bytes.TrimSuffix(ref.Bytes(), []byte("\n"))), string(out), "%q html=%v", in, html)
	}
}

func toRef(v any) any {
	switch x := v.(type) {
	case jsonv.Number:
		return json.Number(x)
	case map[string]any:
		m := map[string]any{}
		for k, e := range x {
			m[k] = toRef(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = toRef(e)
		}
		return a
	}
	return v
}

func TestDecodeAndAppendValueAgreeWithEncodingJSON(t *testing.T) {
	for _, s := range samples {
		checkDecode(t, []byte(s))
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkDecode(t, b) })
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>", "\u2028\u2029", "\x00\x1f\x7f", "\xff", "é😀", "\"\\/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, jsonvtest.Canon(want), jsonvtest.Canon(jsonv.AppendString(nil, s)))
		got := jsonv.AppendStrings(nil, []string{s, s})
		want, _ = json.Marshal([]string{s, s})
		require.Equal(t, jsonvtest.Canon(want), jsonvtest.Canon(got))
	})
}

func TestAppendFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1.5, 1e-7, 1e21, 123456789.125, 1e20, 5e-324} {
		want, _ := json.Marshal(f)
		got, err := jsonv.AppendFloat(nil, f)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}

// fields is a struct decoded both ways: Members with Key against json.Unmarshal.
type fields struct {
	S  string          `json:"s"`
	P  *string         `json:"p"`
	N  int64           `json:"n"`
	I  int32           `json:"i"`
	B  bool            `json:"b"`
	L  []string        `json:"l"`
	F  float64         `json:"f"`
	R  []byte          `json:"-"`
	RM json.RawMessage `json:"r"`
}

func decodeFields(b []byte, dst *fields) error {
	if err := jsonv.Check(b); err != nil {
		return err
	}
	return jsonv.Members(b, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "s"):
			return jsonv.String(v, &dst.S)
		case jsonv.Key(k, "p"):
			return jsonv.StringPtr(v, &dst.P)
		case jsonv.Key(k, "n"):
			return jsonv.Int(v, &dst.N)
		case jsonv.Key(k, "i"):
			return jsonv.IntOf(v, &dst.I)
		case jsonv.Key(k, "b"):
			return jsonv.Bool(v, &dst.B)
		case jsonv.Key(k, "l"):
			return jsonv.Strings(v, &dst.L)
		case jsonv.Key(k, "f"):
			return jsonv.Float(v, &dst.F)
		case jsonv.Key(k, "r"):
			return jsonv.Raw(v, (*[]byte)(&dst.RM))
		}
		return nil
	})
}

func checkFields(t *testing.T, in []byte) {
	var want, got fields
	werr := json.Unmarshal(in, &want)
	err := decodeFields(in, &got)
	require.Equal(t, werr == nil, err == nil, "%q: encoding/json says %v, jsonv %v", in, werr, err)
	if err == nil {
		require.Equal(t, want, got, "%q", in)
	}
}

func TestMembersAgreeWithEncodingJSON(t *testing.T) {
	for _, s := range []string{
		`{"s":"x","p":"y","n":-5,"i":7,"b":true,"l":["a","b"],"f":1.5,"r":{"z":[1]}}`,
		`{"S":"x","P":null,"N":1,"L":null}`, `{"s":null,"n":null,"b":null}`, `null`, `{"s":1}`,
		`{"n":1.0}`, `{"n":1e3}`, `{"i":4294967296}`, `{"n":9223372036854775808}`, `[]`, `"x"`,
		`{"l":["a",null]}`, `{"l":[1]}`, `{"s":"a","S":"b"}`, `{"ſ":"long s"}`, `{"r":null}`,
		`{"unknown":{"deep":[1,2,{"s":"no"}]},"s":"yes"}`, `{"b":"true"}`,
	} {
		checkFields(t, []byte(s))
	}
}

func FuzzMembers(f *testing.F) {
	f.Add([]byte(`{"s":"x","p":"y","n":-5,"i":7,"b":true,"l":["a","b"],"f":1.5,"r":{"z":[1]}}`))
	f.Add([]byte(`{"S":"\u00e9","P":null,"N":1,"L":null}`))
	f.Fuzz(func(t *testing.T, b []byte) { checkFields(t, b) })
}

func checkSameJSON(t *testing.T, a, b []byte) {
	var x, y any
	want := json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && assert.ObjectsAreEqual(x, y)
	require.Equal(t, want, jsonv.SameJSON(a, b), "%q %q", a, b)
}

func TestSameJSONAgreesWithEncodingJSON(t *testing.T) {
	pairs := [][2]string{{`1`, `1.0`}, {`{"a":[1,2]}`, `{ "a" : [1e0, 2] }`}, {`"x"`, `"\u0078"`},
		{`1e400`, `1e400`}, {`{"a":1}`, `{"a":1,"b":null}`}, {`[]`, `null`}, {`{}`, `{}`}, {`x`, `x`},
		{`12345678901234567890`, `12345678901234567891`}, {`{"a":1,"a":2}`, `{"a":2}`}}
	for _, p := range pairs {
		checkSameJSON(t, []byte(p[0]), []byte(p[1]))
	}
}

func FuzzSameJSON(f *testing.F) {
	f.Add([]byte(`{"a":[1,2]}`), []byte(`{"a":[1.0,2]}`))
	f.Fuzz(func(t *testing.T, a, b []byte) { checkSameJSON(t, a, b) })
}

func checkRawObject(t *testing.T, b []byte) {
	var want map[string]json.RawMessage
	werr := json.Unmarshal(b, &want)
	got, err := jsonv.RawObject(b)
	require.Equal(t, werr == nil, err == nil, "%q", b)
	if err == nil {
		require.Equal(t, len(want), len(got))
		require.Equal(t, want == nil, got == nil)
		for k, v := range want {
			require.Equal(t, string(v), string(got[k]), "%q key %q", b, k)
		}
	}
}

func FuzzRawObject(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkRawObject(t, b) })
}

func FuzzHeadField(f *testing.F) {
	for _, s := range []string{`{"id":null}`, `{"id":"x","ID":null}`, `{"ID":"y"}`, `null`, `{"id":1}`, `[]`, `{"Id":{"a":[1]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var head struct {
			ID *json.RawMessage `json:"id"`
		}
		werr := json.Unmarshal(b, &head)
		got, err := jsonv.HeadField(b, "id")
		require.Equal(t, werr == nil, err == nil, "%q", b)
		if err == nil {
			require.Equal(t, head.ID == nil, got == nil, "%q", b)
			if got != nil {
				require.Equal(t, string(*head.ID), string(got))
			}
		}
	})
}
