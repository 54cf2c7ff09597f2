/**
 * ONNX export of the trained ranker (DESIGN §6.5): {@link io.longview.export.onnx.OnnxExporter} writes a core
 * checkpoint as an ONNX graph through a small hand-written protobuf encoder; {@link io.longview.export.onnx.OnnxInputs}
 * lays out a batch of selected sequences as that graph's inputs. Depends on {@code core} only (ONNX Runtime is a test
 * dependency: the tests run the exported graph against the scalar reference forward pass).
 */
package io.longview.export.onnx;
