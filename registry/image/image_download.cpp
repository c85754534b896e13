#include "registry/image/image_download.hpp"

#include <memory>
#include <mutex>

#include "registry/image/image_verifier.hpp"

namespace mkt::image {
namespace {

/// Whether a failure says something about the bytes (verification) rather than
/// about getting them (network, HTTP, local disk).
bool IsVerdict(const Status& s) { return s.code() == StatusCode::kInvalidArgument; }

class LocationDownload {
  public:
    LocationDownload(const EntryMetadata& metadata, const std::string& url,
                     const DownloadOptions& options)
        : metadata_(metadata), url_(url), options_(options) {}

    /// The verified file, or the reason this location failed.
    Result<DownloadResult> Run(ImageSource& source, AtomicFile file, const DigestSelection& sel) {
        file_ = std::make_unique<AtomicFile>(std::move(file));
        DigestOptions digest;
        digest.compression = Compression::kAuto;
        digest.digests = sel;
        digest.threads = options_.threads;
        AtomicFile* out = file_.get();
        digest.output = [out](std::span<const char> bytes) { return out->Write(bytes); };
        digester_ = std::make_unique<ImageDigester>(url_, std::move(digest));
        MKT_RETURN_IF_ERROR(Transfer(source));
        MKT_ASSIGN_OR_RETURN(ImageDigests digests, digester_->Finish());
        MKT_RETURN_IF_ERROR(VerifyDigests(digests, metadata_));
        return DownloadResult{std::move(*file_), url_, std::move(digests), resumes_, {}};
    }

  private:
    Status Transfer(ImageSource& source) {
        int stalls = 0;
        for (;;) {
            const uint64_t before = received_;
            FetchOutcome outcome =
                source.Fetch(url_, received_, [this](std::span<const char> b) { return Take(b); });
            if (outcome.total) total_ = outcome.total;
            if (outcome.status.ok()) return Status::Ok();
            if (!outcome.resumable || resumes_ >= options_.max_resumes) return outcome.status;
            if (received_ == before && ++stalls > 1) return outcome.status;
            ++resumes_;
            if (options_.note) {
                options_.note(url_ + ": " + outcome.status.message() + "; resuming at byte " +
                              std::to_string(received_));
            }
        }
    }

    Status Take(std::span<const char> bytes) {
        MKT_RETURN_IF_ERROR(digester_->Feed(bytes));
        received_ += bytes.size();
        if (options_.progress) options_.progress({url_, received_, total_});
        return Status::Ok();
    }

    const EntryMetadata& metadata_;
    const std::string& url_;
    const DownloadOptions& options_;
    std::unique_ptr<AtomicFile> file_;
    std::unique_ptr<ImageDigester> digester_;
    uint64_t received_ = 0;
    std::optional<uint64_t> total_;
    int resumes_ = 0;
};

}  // namespace

Result<DownloadResult> DownloadVerified(const EntryMetadata& metadata, ImageSource& source,
                                        const std::function<Result<AtomicFile>()>& make_output,
                                        const DownloadOptions& options) {
    MKT_ASSIGN_OR_RETURN(const DigestSelection selection, SelectionFor(metadata));
    if (metadata.locations.empty()) {
        return Status::NotFound("the entry of image " + metadata.identifier +
                                " lists no location (slterms:location)");
    }
    std::vector<LocationFailure> failures;
    bool verdict = false;
    for (const std::string& url : metadata.locations) {
        Status failure;
        if (!source.Supports(url)) {
            failure = Status::Unavailable("unsupported location (http, https and file URLs are)");
        } else {
            MKT_ASSIGN_OR_RETURN(AtomicFile file, make_output());
            LocationDownload download(metadata, url, options);
            auto result = download.Run(source, std::move(file), selection);
            if (result.ok()) {
                result->failures = std::move(failures);
                return result;
            }
            failure = result.status();
            // The output itself failing (disk full) is no reason to try elsewhere.
            if (failure.message().starts_with("cannot write ") ||
                failure.message().find(": cannot write ") != std::string::npos) {
                return failure;
            }
        }
        verdict = verdict || IsVerdict(failure);
        std::string reason = failure.message();
        if (reason.starts_with(url + ": ")) reason = reason.substr(url.size() + 2);
        if (options.note && &url != &metadata.locations.back()) {
            options.note(url + ": " + reason + "; trying the next location");
        }
        failures.push_back({url, Status(failure.code(), reason)});
    }
    std::string message = "no location delivered image " + metadata.identifier + ":";
    for (const auto& f : failures) message += " " + f.url + ": " + f.status.message() + ";";
    message.pop_back();
    if (verdict) return Status::InvalidArgument(message);
    return Status::Unavailable(message);
}

}  // namespace mkt::image
