package core

// deepMerge is the seed's recursive merge, kept with the tests that check js/merges.js
// against it (no Go code uses it): nested objects on both sides merge recursively and
// otherwise a local key wins, even when its value is null (lists are replaced, not unioned).
func deepMerge(local, server map[string]any) map[string]any {
	out := cloneObject(server)
	for k, v := range local {
		lm, lok := v.(map[string]any)
		sm, sok := out[k].(map[string]any)
		if lok && sok {
			out[k] = deepMerge(lm, sm)
			continue
		}
		out[k] = cloneValue(v)
	}
	return out
}

// deepMergeJSON is deepMerge on JSON objects.
func deepMergeJSON(local, server RawJSON) (RawJSON, error) {
	return mergeJSON(local, server, deepMerge)
}
