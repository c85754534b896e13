#include "registry/image/disk_format.hpp"

#include <cstdint>

namespace mkt::image {
namespace {

uint32_t BigEndian32(std::string_view bytes, size_t offset) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[offset + i]);
    return v;
}

uint32_t LittleEndian32(std::string_view bytes, size_t offset) {
    uint32_t v = 0;
    for (size_t i = 4; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(bytes[offset + i]);
    return v;
}

}  // namespace

std::string_view GuessDiskFormat(std::string_view head) {
    if (head.size() >= 8 && head.starts_with("QFI\xfb")) {
        const uint32_t version = BigEndian32(head, 4);
        if (version == 2 || version == 3) return "qcow2";
        if (version == 1) return "qcow";
    }
    if (head.starts_with("KDMV") || head.starts_with("# Disk DescriptorFile")) return "vmdk";
    if (head.starts_with("vhdxfile")) return "vhdx";
    if (head.size() >= 68 && LittleEndian32(head, 64) == 0xbeda107f) return "vdi";
    return "raw";
}

}  // namespace mkt::image
