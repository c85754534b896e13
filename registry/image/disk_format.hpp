// GuessDiskFormat: the disk-image format (dcterms:format) an image's first
// uncompressed bytes announce, for `marketplace build` when --format is not given.
//
// Recognised by their magic numbers: qcow2 ("QFI\xfb", version 2 or 3; version 1
// is "qcow"), vmdk (sparse extent "KDMV" or a "# Disk DescriptorFile" text
// descriptor), vdi (0xbeda107f at offset 64), vhdx ("vhdxfile"). Anything else is
// "raw": raw images have no header, so raw is the only format that cannot be
// confirmed, only presumed. Pure function.
#pragma once

#include <string_view>

namespace mkt::image {

/// `head`: the image's first bytes (ImageDigests::head; 72 are enough).
std::string_view GuessDiskFormat(std::string_view head);

}  // namespace mkt::image
