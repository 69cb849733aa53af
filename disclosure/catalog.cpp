#include "disclosure/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace sekisho::disclosure {

namespace {

std::string canonical_number(std::string_view number) {
    std::string out;
    for (const char c : number)
        if (c != ' ') out += c;
    const std::string comma = "、";
    if (out.size() >= comma.size() && out.compare(out.size() - comma.size(), comma.size(), comma) == 0)
        out.resize(out.size() - comma.size());
    return out;
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::span<const CatalogItem> catalog() {
    static const std::vector<CatalogItem> all = [] {
        std::vector<CatalogItem> items(mds_items().begin(), mds_items().end());
        items.insert(items.end(), sds_items().begin(), sds_items().end());
        return items;
    }();
    return all;
}

ItemRef item_ref(const CatalogItem& item) {
    ItemRef ref;
    ref.list = item.list;
    ref.number = canonical_number(item.number);
    ref.id = ref.list + " " + ref.number;
    ref.section = {item.section_ja, item.section_en};
    ref.question = {item.question_ja, item.question_en};
    return ref;
}

bool names_item(std::string_view key, const ItemRef& item) {
    // "sds No.60", "SDS 60", "SDS-No.60" → list "sds", number "60"
    std::string text = lower_ascii(canonical_number(key));
    for (auto& c : text)
        if (c == '-' || c == '_') c = ' ';
    std::string list, number;
    if (text.size() >= 3) {
        list = text.substr(0, 3);
        number = text.substr(3);
    }
    if (list != lower_ascii(item.list)) return false;
    while (!number.empty() && (number.front() == ' ')) number.erase(0, 1);
    if (number.rfind("no.", 0) == 0) number.erase(0, 3);
    if (number.empty()) return false;
    std::string whole = lower_ascii(item.number);
    if (whole.rfind("no.", 0) == 0) whole.erase(0, 3);
    if (number == whole) return true;
    std::size_t start = 0;
    while (start <= whole.size()) {
        const auto slash = whole.find('/', start);
        const auto part = whole.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (part == number) return true;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return false;
}

} // namespace sekisho::disclosure
