"""TF 1.15's tf.contrib.signal."""
from compat.routes import M, R

ROUTES = M("tf.contrib.signal", rows=[
    R("tf.contrib.signal.frame", native="tf.signal.frame"),
    R("tf.contrib.signal.hamming_window", native="tf.signal.hamming_window"),
    R("tf.contrib.signal.hann_window", native="tf.signal.hann_window"),
    R("tf.contrib.signal.inverse_stft", native="tf.signal.inverse_stft"),
    R("tf.contrib.signal.inverse_stft_window_fn", native="tf.signal.inverse_stft_window_fn"),
    R("tf.contrib.signal.linear_to_mel_weight_matrix", native="tf.signal.linear_to_mel_weight_matrix"),
    R("tf.contrib.signal.mfccs_from_log_mel_spectrograms", native="tf.signal.mfccs_from_log_mel_spectrograms"),
    R("tf.contrib.signal.overlap_and_add", native="tf.signal.overlap_and_add"),
    R("tf.contrib.signal.stft", native="tf.signal.stft"),
])
