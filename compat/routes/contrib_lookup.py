"""TF 1.15's tf.contrib.lookup."""
from compat.routes import M, R

ROUTES = M("tf.contrib.lookup", rows=[
    R("tf.contrib.lookup.FastHashSpec", native="tensorflow.python.ops.lookup_ops:FastHashSpec"),
    R("tf.contrib.lookup.HashTable", inhouse="legacy_pipeline.contrib.lookup"),
    R("tf.contrib.lookup.HasherSpec", native="tensorflow.python.ops.lookup_ops:HasherSpec"),
    R("tf.contrib.lookup.IdTableWithHashBuckets", native="tensorflow.python.ops.lookup_ops:IdTableWithHashBuckets"),
    R("tf.contrib.lookup.InitializableLookupTableBase", native="tensorflow.python.ops.lookup_ops:InitializableLookupTableBase"),
    R("tf.contrib.lookup.KeyValueTensorInitializer", native="tensorflow.python.ops.lookup_ops:KeyValueTensorInitializer"),
    R("tf.contrib.lookup.LookupInterface", native="tensorflow.python.ops.lookup_ops:LookupInterface"),
    R("tf.contrib.lookup.MutableDenseHashTable", native="tensorflow.python.ops.lookup_ops:DenseHashTable"),
    R("tf.contrib.lookup.MutableHashTable", native="tensorflow.python.ops.lookup_ops:MutableHashTable"),
    R("tf.contrib.lookup.StrongHashSpec", native="tensorflow.python.ops.lookup_ops:StrongHashSpec"),
    R("tf.contrib.lookup.TableInitializerBase", native="tensorflow.python.ops.lookup_ops:TableInitializerBase"),
    R("tf.contrib.lookup.TextFileIdTableInitializer", native="tensorflow.python.ops.lookup_ops:TextFileIdTableInitializer"),
    R("tf.contrib.lookup.TextFileIndex", native="tensorflow.python.ops.lookup_ops:TextFileIndex"),
    R("tf.contrib.lookup.TextFileInitializer", native="tensorflow.python.ops.lookup_ops:TextFileInitializer"),
    R("tf.contrib.lookup.TextFileStringTableInitializer", native="tensorflow.python.ops.lookup_ops:TextFileStringTableInitializer"),
    R("tf.contrib.lookup.index_table_from_file", native="tensorflow.python.ops.lookup_ops:index_table_from_file"),
    R("tf.contrib.lookup.index_table_from_tensor", inhouse="legacy_pipeline.contrib.lookup"),
    R("tf.contrib.lookup.index_to_string", inhouse="legacy_pipeline.contrib.lookup"),
    R("tf.contrib.lookup.index_to_string_table_from_file", native="tensorflow.python.ops.lookup_ops:index_to_string_table_from_file"),
    R("tf.contrib.lookup.index_to_string_table_from_tensor", inhouse="legacy_pipeline.contrib.lookup"),
    R("tf.contrib.lookup.string_to_index", inhouse="legacy_pipeline.contrib.lookup"),
    R("tf.contrib.lookup.string_to_index_table_from_file", inhouse="legacy_pipeline.contrib.lookup"),
    R("tf.contrib.lookup.string_to_index_table_from_tensor", inhouse="legacy_pipeline.contrib.lookup"),
])
