using System.Text.Json;
using Chatire.Core;

namespace Chatire.Http;

/// <summary>A parsed request body (JSON object or form fields) with DRF-style field access.</summary>
public sealed class RequestBody
{
    public static readonly RequestBody Empty = new(new Dictionary<string, JsonElement?>(), new Dictionary<string, string>());

    private readonly IReadOnlyDictionary<string, JsonElement?> _json;
    private readonly IReadOnlyDictionary<string, string> _form;

    private RequestBody(IReadOnlyDictionary<string, JsonElement?> json, IReadOnlyDictionary<string, string> form)
    {
        _json = json;
        _form = form;
    }

    public static RequestBody FromJson(JsonElement root)
    {
        var fields = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            fields[property.Name] = property.Value.Clone();
        }

        return new RequestBody(fields, new Dictionary<string, string>());
    }

    public static RequestBody FromForm(IReadOnlyDictionary<string, string> form) => new(new Dictionary<string, JsonElement?>(), form);

    public bool Has(string field) => _json.ContainsKey(field) || _form.ContainsKey(field);

    /// <summary>The JSON object in <paramref name="field"/> as a body of its own (Conduit's <c>{"user": {...}}</c>
    /// envelope), or null with a field error. A form body has no nested objects: the field counts as missing.</summary>
    public RequestBody? Object(string field, FieldErrors errors)
    {
        if (_json.TryGetValue(field, out var element) && element is { } value)
        {
            if (value.ValueKind == JsonValueKind.Object)
            {
                return FromJson(value);
            }

            errors.Add(field, "Invalid data. Expected an object.");
            return null;
        }

        errors.Add(field, "This field is required.");
        return null;
    }

    /// <summary>The string value of <paramref name="field"/>, or null (with a field error when it is
    /// required and missing, or present but not a string).</summary>
    public string? String(string field, FieldErrors errors, bool required = false)
    {
        if (_form.TryGetValue(field, out var formValue))
        {
            return formValue;
        }

        if (_json.TryGetValue(field, out var element) && element is { } value)
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }

            errors.Add(field, "Not a valid string.");
            return null;
        }

        if (required)
        {
            errors.Add(field, "This field is required.");
        }

        return null;
    }
}
