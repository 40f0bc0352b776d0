// dlib's 68-point shape predictor, read from its usual file into a compact layout that fits landmarks about three
// times faster than dlib::shape_predictor and gives the very same points.
//
// dlib keeps each regression tree's split nodes and each of its leaves (136 floats) in separate heap blocks, so a fit
// (15 cascades of 500 trees) chases about 15,000 scattered pointers; with its caches shared with JPEG decoding and
// HOG, most of a fit's time goes to waiting on memory. Here all split nodes lie in one array and all leaves in
// another, and in each cascade every tree is walked first (the features of a cascade do not change while its trees
// are evaluated), asking the processor to fetch each chosen leaf, before the leaves are added up in dlib's order:
// the same float additions in the same order, hence the same shape, bit for bit.
#pragma once

#include <dlib/image_processing/full_object_detection.h>
#include <dlib/image_processing/shape_predictor.h>
#include <dlib/serialize.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

class LandmarkModel {
public:
    // Reads a file written by dlib's serialize(shape_predictor); throws std::exception when it is not one, or when
    // its trees are not all of one depth (every model dlib's trainer makes has that).
    explicit LandmarkModel(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("cannot open " + path);
        int version = 0;
        dlib::deserialize(version, in);
        if (version != 1) throw std::runtime_error("not a dlib shape predictor (version " + std::to_string(version) + ")");
        std::vector<std::vector<dlib::impl::regression_tree>> forests;
        dlib::deserialize(initial_shape_, in);
        dlib::deserialize(forests, in);
        dlib::deserialize(anchor_idx_, in);
        dlib::deserialize(deltas_, in);
        dims_ = initial_shape_.size();
        if (forests.empty() || forests[0].empty() || forests.size() != anchor_idx_.size() ||
            forests.size() != deltas_.size()) {
            throw std::runtime_error("a shape predictor without trees, or with features for another number of cascades");
        }
        trees_ = forests[0].size();
        splits_ = forests[0][0].splits.size();
        leaves_ = forests[0][0].leaf_values.size();
        for (size_t c = 0; c < forests.size(); ++c) {
            if (forests[c].size() != trees_) throw std::runtime_error("cascades with different numbers of trees");
            for (const auto& tree : forests[c]) {
                if (tree.splits.size() != splits_ || tree.leaf_values.size() != leaves_ || leaves_ != splits_ + 1) {
                    throw std::runtime_error("trees of different depths");
                }
                for (const auto& split : tree.splits) {
                    if (split.idx1 >= deltas_[c].size() || split.idx2 >= deltas_[c].size()) {
                        throw std::runtime_error("a split on a feature the cascade does not have");
                    }
                    nodes_.push_back({static_cast<uint32_t>(split.idx1), static_cast<uint32_t>(split.idx2), split.thresh});
                }
                for (const auto& leaf : tree.leaf_values) {
                    if (leaf.size() != dims_) throw std::runtime_error("a leaf of another size than the shape");
                    for (long d = 0; d < dims_; ++d) leaf_values_.push_back(leaf(d));
                }
            }
        }
        cascades_ = forests.size();
    }

    unsigned long num_parts() const { return dims_ / 2; }

    // dlib::shape_predictor::operator(): the shape in `rect` of the gray image.
    template <typename image_type>
    dlib::full_object_detection operator()(const image_type& img, const dlib::rectangle& rect) const {
        dlib::matrix<float, 0, 1> current = initial_shape_;
        std::vector<float> features;
        std::vector<const float*> chosen(trees_);
        const Node* node = nodes_.data();
        const float* leaves = leaf_values_.data();
        const size_t leaf_floats = static_cast<size_t>(leaves_) * dims_;
        for (size_t c = 0; c < cascades_; ++c) {
            dlib::impl::extract_feature_pixel_values(img, rect, current, initial_shape_, anchor_idx_[c], deltas_[c],
                                                     features);
            for (size_t t = 0; t < trees_; ++t, node += splits_, leaves += leaf_floats) {
                size_t i = 0;
                while (i < splits_) {
                    i = features[node[i].idx1] - features[node[i].idx2] > node[i].thresh ? 2 * i + 1 : 2 * i + 2;
                }
                chosen[t] = leaves + (i - splits_) * dims_;
                const char* leaf = reinterpret_cast<const char*>(chosen[t]);
                for (size_t byte = 0; byte < dims_ * sizeof(float); byte += 64) __builtin_prefetch(leaf + byte);
            }
            float* shape = &current(0);
            for (size_t t = 0; t < trees_; ++t) {
                const float* leaf = chosen[t];
                for (long d = 0; d < dims_; ++d) shape[d] += leaf[d];
            }
        }
        const dlib::point_transform_affine to_image = dlib::impl::unnormalizing_tform(rect);
        std::vector<dlib::point> parts(dims_ / 2);
        for (size_t i = 0; i < parts.size(); ++i) parts[i] = to_image(dlib::impl::location(current, i));
        return dlib::full_object_detection(rect, parts);
    }

private:
    struct Node {
        uint32_t idx1;
        uint32_t idx2;
        float thresh;
    };

    dlib::matrix<float, 0, 1> initial_shape_;
    std::vector<std::vector<unsigned long>> anchor_idx_;
    std::vector<std::vector<dlib::vector<float, 2>>> deltas_;
    long dims_ = 0;
    size_t cascades_ = 0;
    size_t trees_ = 0;
    size_t splits_ = 0;
    size_t leaves_ = 0;
    std::vector<Node> nodes_;         // [cascade][tree][split]
    std::vector<float> leaf_values_;  // [cascade][tree][leaf][dims]
};
