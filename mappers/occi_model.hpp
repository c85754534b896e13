// The OCCI view of the Marketplace (docs/api/occi.md): pure functions from entries
// to OCCI categories and resources.
//
// An *image* is one identifier (the image's SHA-1) with the latest usable entry of
// each endorser that endorses it (OcciImage). Each image is
//  * an os_tpl Mixin: scheme "<base>occi/infrastructure/os_tpl#", term
//    "sha1_<40 lowercase hex digits of the SHA-1>" (valid under the OCCI 1.1 and 1.2
//    grammars, and lossless: the identifier is the same SHA-1 in base 64, see
//    TermOf / IdentifierOfTerm), title = the newest entry's title, depends on
//    infrastructure#os_tpl, applies to infrastructure#compute, location
//    "/mixin/os_tpl/<term>/", and the metadata as immutable attributes whose
//    defaults are the values, under the prefix kAttributePrefix;
//  * a storage Resource at "/storage/<identifier>" with one Link per location.
// An image held in a provider's Glance (OcciImage::held_at) also carries, on both,
// the aligned lists available_at.{provider,endpoint,os_tpl,state}, and the storage
// resource one provider_image Link per holding (target: the provider's OCCI
// endpoint; attributes: the provider's os_tpl "http://schemas.openstack.org/
// template/os#<glance id>"), from which a client builds its compute create there.
// Locations inside a known resource provider's image store (config occi.provider.*)
// become links to that provider's storage resource, naming the provider.
// Locations (paths) are relative to the server root and carry the public URL's path;
// URLs given to clients as whole values (X-OCCI-Location, uri-list) are absolute.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/entry.hpp"
#include "registry/provider_holdings.hpp"
#include "registry/result.hpp"

namespace mkt::mappers::occi {

inline constexpr std::string_view kCoreScheme = "http://schemas.ogf.org/occi/core#";
inline constexpr std::string_view kInfraScheme = "http://schemas.ogf.org/occi/infrastructure#";
/// Every Marketplace attribute name starts with this (reverse domain, never "occi.").
inline constexpr std::string_view kAttributePrefix = "eu.stratuslab.marketplace.";
/// The `Server` header: both rendering versions this front-end speaks.
inline constexpr std::string_view kServerHeader = "marketplace OCCI/1.1 OCCI/1.2";

/// A value of an attribute: text renderings quote strings and write lists as one
/// space-separated string; JSON writes numbers bare and lists as arrays.
struct Value {
    enum class Type { kString, kNumber, kList };
    Type type = Type::kString;
    std::string text;               // kString, kNumber (the number as written)
    std::vector<std::string> list;  // kList
    static Value String(std::string s) { return {Type::kString, std::move(s), {}}; }
    static Value Number(std::string s) { return {Type::kNumber, std::move(s), {}}; }
    static Value List(std::vector<std::string> l) { return {Type::kList, {}, std::move(l)}; }
    /// The value as one string (lists joined with single spaces), for filters.
    std::string Joined() const;
    friend bool operator==(const Value&, const Value&) = default;
};

struct AttributeDef {
    std::string name;
    bool mutable_ = false;
    bool required = false;
    std::string type = "string";  // JSON schema type: string, number, boolean, array
    std::optional<Value> default_value;
    std::string description;
};

enum class CategoryClass { kKind, kMixin, kAction };
std::string_view ClassName(CategoryClass cls);  // "kind", "mixin", "action"

struct Category {
    CategoryClass cls = CategoryClass::kKind;
    std::string scheme, term, title;
    std::string parent;                // Kind: parent Kind type id
    std::vector<std::string> depends;  // Mixin: type ids (the first is the text `rel`)
    std::vector<std::string> applies;  // Mixin: Kind type ids
    std::string location;              // path ending in '/', empty for entity and actions
    std::vector<AttributeDef> attributes;
    std::vector<std::string> actions;  // Action type ids
    std::string TypeId() const { return scheme + term; }
};

struct Attribute {
    std::string name;
    Value value;
};

struct Link {
    std::string kind;
    std::vector<std::string> mixins;
    std::string id;
    std::string source, source_kind;  // source: path of the owning resource
    std::string target, target_kind;  // target_kind: empty when unknown
    std::vector<Attribute> attributes;
};

struct Resource {
    std::string kind;
    std::vector<std::string> mixins;
    std::string id, title, summary;
    std::string location;  // path of the instance (no trailing '/')
    std::vector<Attribute> attributes;
    std::vector<Link> links;
    std::vector<std::string> actions;
};

/// What the mapping depends on besides the entries.
struct Context {
    std::string base_url;  // public base URL, ends with '/'
    /// Known resource providers: name -> OCCI endpoint URL (config occi.provider.*).
    std::map<std::string, std::string> providers;

    /// The path of `base_url` ("/" or "/prefix/").
    std::string BasePath() const;
    /// Path -> absolute URL ("/storage/x" -> "https://host/storage/x").
    std::string Absolute(std::string_view path) const;
    /// "<base>occi/infrastructure/os_tpl#".
    std::string OsTplScheme() const;
    /// "<base>occi/marketplace#".
    std::string MarketplaceScheme() const;
};

/// One image: entries share one identifier, newest endorsement first (not empty),
/// and the resource providers holding it in their own image store.
struct OcciImage {
    std::vector<Entry> entries;
    std::vector<ProviderHolding> held_at;
    const std::string& identifier() const { return entries.front().key.identifier; }
    const Entry& newest() const { return entries.front(); }
};

/// "sha1_<40 lowercase hex>" of a valid identifier. Errors: kInvalidArgument.
Result<std::string> TermOf(std::string_view identifier);
/// The identifier a term was derived from. Errors: kInvalidArgument naming the term.
Result<std::string> IdentifierOfTerm(std::string_view term);

/// The fixed part of the query interface: core and infrastructure Kinds, their
/// Actions, the os_tpl / resource_tpl / ipnetwork Mixins, and the Marketplace's
/// image_location link Mixin.
std::vector<Category> FixedModel(const Context& context);

Category ImageMixin(const OcciImage& image, const Context& context);

/// The storage Resource of an image at "<base path>storage/<identifier>".
Resource StorageResource(const OcciImage& image, const Context& context);

/// A location held in a known resource provider's image store.
struct ProviderStorage {
    std::string provider;  // name from the configuration
    std::string endpoint;  // its OCCI endpoint
    std::string target;    // URL of the storage resource at the provider
};

/// Recognises `location` as the provider's storage: an http(s) URL under a known
/// endpoint whose path has a "/storage/" segment, or a StratusLab persistent disk
/// "pdisk:<host>:<port>:<uuid>" whose host is a known endpoint's host (target:
/// "<endpoint>/storage/<uuid>"). nullopt for every other location.
std::optional<ProviderStorage> RecogniseProviderStorage(
    std::string_view location, const std::map<std::string, std::string>& providers);

/// Formats a byte count as GiB (shortest decimal that reads back exactly).
std::string GibibytesOf(uint64_t bytes);

}  // namespace mkt::mappers::occi
